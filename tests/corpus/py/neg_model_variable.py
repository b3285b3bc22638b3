"""Admin helpers. Not AI: a gpt-4o mention in a docstring is prose."""

from django.contrib import admin
from twilio.rest import Client

# We used gpt-4 for this once; now it is a plain template.
model = "article"
model_name = "User"
MODEL_VERSION = "v2"
MODEL_PATH = "./checkpoints/best"
sms = Client("sid", "token")


def notify(to: str) -> None:
    sms.messages.create(to=to, from_="+100", body="Your order shipped")


class ArticleAdmin(admin.ModelAdmin):
    model = "default"
    list_display = ("title", "model")
