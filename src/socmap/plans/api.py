from ninja import Router

router = Router(tags=["4P plans"])
