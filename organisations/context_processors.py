from .selectors import organisations_of


def navigation(request) -> dict:
    """The person's own organisations for the navigation bar, fetched only when used."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_organisations": []}
    return {"my_organisations": lambda: organisations_of(user)}
