"""Server-rendered pages of the contracts app."""

app_name = "contracts"
urlpatterns: list = []
