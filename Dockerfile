FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=linke.settings.production
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install --no-cache-dir -e . \
 && pybabel compile --domain django --directory locale \
 && DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=build REDIS_URL=redis://build python manage.py collectstatic --no-input
RUN useradd --system linke && mkdir -p /app/var/media && chown -R linke /app/var
USER linke
EXPOSE 8000
CMD ["gunicorn", "linke.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "4", "--access-logfile", "-"]
