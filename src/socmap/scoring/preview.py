"""The live score preview: what the answers given so far score, without saving anything."""

from __future__ import annotations

from dataclasses import dataclass

from socmap.scoring.methodology import Methodology, Result, check_answers, score


@dataclass(frozen=True)
class Preview:
    result: Result
    unanswered: list[str]  # labels of attributes not yet answered
    invalid: dict[str, str]

    @property
    def provisional(self) -> bool:
        return bool(self.unanswered)


def preview(rules: Methodology, inputs: dict[str, str]) -> Preview:
    """Score ``inputs``; unanswered attributes count as their lowest answer and the preview
    says it is provisional. Answers that are not allowed are reported, not scored."""
    invalid = {}
    for key, value in inputs.items():
        attribute = rules.attribute(key)
        if attribute is None or attribute.answer(value) is None:
            invalid[key] = f"'{value}' is not an allowed answer"
    filled, unanswered = {}, []
    for attribute in rules.attributes:
        given = inputs.get(attribute.key)
        if given and attribute.key not in invalid:
            filled[attribute.key] = given
        else:
            lowest = min(attribute.answers, key=lambda a: (a.points, a.key))
            filled[attribute.key] = lowest.key
            if attribute.key not in invalid:
                unanswered.append(attribute.label)
    check_answers(rules, filled)
    return Preview(score(rules, filled), unanswered, invalid)
