from metco.kit.errors import Conflict, FieldError


class HandleTaken(Conflict):
    code = "HANDLE_TAKEN"
    title = "This handle is taken in this store"

    def __init__(self, detail: str) -> None:
        super().__init__(detail, errors=[FieldError("handle", "is taken")])


class SkuTaken(Conflict):
    code = "SKU_TAKEN"
    title = "This SKU is taken in this store"

    def __init__(self, detail: str, field: str = "sku") -> None:
        super().__init__(detail, errors=[FieldError(field, "is taken")])
