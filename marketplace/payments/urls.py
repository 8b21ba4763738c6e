from django.urls import path

from marketplace.payments.views import stripe_webhook

app_name = "payments"
urlpatterns = [path("webhooks/stripe/", stripe_webhook, name="stripe-webhook")]
