"""Server-rendered pages of the qa app."""

app_name = "qa"
urlpatterns: list = []
