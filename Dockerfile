# The production image: gunicorn web, celery worker and beat all run from it (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends fonts-dejavu-core gettext curl \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 ocop
WORKDIR /app
COPY requirements.txt constraints.txt ./
RUN pip install --no-cache-dir -r requirements.txt -c constraints.txt
COPY --chown=ocop:ocop . .
RUN SECRET_KEY=build-only DEBUG=0 python manage.py collectstatic --noinput \
 && SECRET_KEY=build-only python manage.py compilemessages --ignore=.venv || true
USER ocop
EXPOSE 8000
CMD ["gunicorn", "marketplace.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--threads", "4", "--access-logfile", "-"]
