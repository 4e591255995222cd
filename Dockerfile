# The application image (target "app": web, worker, beat, migrate) and the reverse proxy image
# (target "proxy": nginx with the collected static files). docker-compose.yml builds both.
#   docker build --target app -t contest-platform .
#   docker build --target proxy -t contest-proxy .

FROM python:3.11-slim AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# An unprivileged user runs everything; it owns only the directories it writes to.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first (a separate layer, rebuilt only when the lock changes): exactly the
# locked runtime versions, each checked against its hash (`make lock` writes the file).
COPY requirements/base.txt requirements/base.txt
RUN pip install --require-hashes --no-deps -r requirements/base.txt

COPY . .

# MPLCONFIGDIR: matplotlib (the official reports' charts) keeps its font cache where the app
# user may write, instead of rebuilding it in a temporary directory in every process.
ENV DJANGO_SETTINGS_MODULE=contest_site.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/srv/media \
    VAR_DIR=/srv/var \
    MPLCONFIGDIR=/srv/var/matplotlib

# Collect static files at build (hashed names + manifest, read by the web process; the proxy
# image copies them) and compile translations when there are any. The production settings
# need these variables to load; the values are placeholders used only by these commands.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && SECRET_KEY=build-only-placeholder-never-used-at-runtime-0123456789abcdef \
       ALLOWED_HOSTS=localhost DATABASE_URL=postgres://build@localhost/build \
       REDIS_URL=redis://localhost:6379/0 ADMIN_URL_PATH=build-placeholder/ sh -c '\
         python manage.py collectstatic --noinput \
         && if find . -name "*.po" -path "*/locale/*" | grep -q .; then \
              python manage.py compilemessages; fi' \
    && apt-get purge -y gettext && apt-get autoremove -y && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /srv/media /srv/var \
    && chown app:app /srv/media /srv/var

USER app
EXPOSE 8000
CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "contest_site.wsgi:application"]


FROM nginx:1.28-alpine AS proxy

COPY deploy/nginx.conf /etc/nginx/nginx.conf
COPY --from=app /app/staticfiles /srv/static
