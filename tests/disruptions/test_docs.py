"""The documentation says what socmap does: every import column, command and API path of the
disruptions part is described."""

from __future__ import annotations

from pathlib import Path

from django.core.management import get_commands

from socmap.disruptions.services import IMPORT_COLUMN_NAMES

ROOT = Path(__file__).resolve().parents[2]
COMMANDS = (
    "import-disruptions",
    "disruptions",
    "disruption-template",
    "disruptions-overdue",
    "disruption-figures",
)


def test_the_user_guide_documents_every_column_of_the_import_template():
    guide = (ROOT / "docs" / "user-guide.md").read_text(encoding="utf-8")
    section = guide[guide.index("## Disruptions") :]
    for column in IMPORT_COLUMN_NAMES:
        assert f"| `{column}` |" in section, column


def test_the_readme_lists_every_disruption_command_and_each_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    installed = get_commands()
    for command in COMMANDS:
        assert f"| `socmap {command}" in readme, command
        assert installed[command] == "socmap.disruptions", command


def test_the_api_guide_lists_every_disruption_path(client_for, wiltshire_analyst):
    guide = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    paths = client_for(wiltshire_analyst).get("/api/openapi.json").json()["paths"]
    for path, operations in paths.items():
        if not path.startswith("/api/disruptions"):
            continue
        documented = path.replace("{disruption_id}", "{id}")
        for verb in operations:
            assert f"`{verb.upper()} {documented}" in guide, (verb, path)
