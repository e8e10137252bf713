from ninja import Router

router = Router(tags=["智能梳理"])
