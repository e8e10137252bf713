from ninja import Router

router = Router(tags=["督查督办"])
