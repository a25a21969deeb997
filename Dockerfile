# zhtj as a container: the wheel, installed into a virtual environment, run by a user without privileges.
#
#   docker build -t zhtj .
#   docker run -p 8000:8000 -v zhtj-data:/var/lib/zhtj -e ZHTJ_SECRET_KEY="$(cat secret)" zhtj
#
# ZHTJ_ENV=production: the start refuses without ZHTJ_SECRET_KEY (32+ characters), and introspection,
# suggestions and GraphiQL are off. The embedded SQLite database and the stored files live in the volume
# /var/lib/zhtj; for PostgreSQL set ZHTJ_DATABASE_URL. README, "Operations", says the rest.
# BASE may name a mirror of the same image.
ARG BASE=python:3.11-slim-bookworm

FROM ${BASE} AS build
WORKDIR /src
COPY pyproject.toml README.md alembic.ini ./
COPY zhtj ./zhtj
RUN python -m pip wheel --no-cache-dir --wheel-dir /wheels .

FROM ${BASE}
RUN groupadd --system --gid 10001 zhtj \
 && useradd --system --uid 10001 --gid zhtj --home-dir /var/lib/zhtj --shell /usr/sbin/nologin zhtj \
 && mkdir -p /var/lib/zhtj/files && chown -R zhtj:zhtj /var/lib/zhtj
COPY --from=build /wheels /wheels
RUN python -m venv /opt/zhtj \
 && /opt/zhtj/bin/pip install --no-cache-dir /wheels/*.whl \
 && rm -rf /wheels
ENV PATH=/opt/zhtj/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    ZHTJ_ENV=production \
    ZHTJ_DATABASE_URL=sqlite+aiosqlite:////var/lib/zhtj/zhtj.sqlite3 \
    ZHTJ_FILES_DIR=/var/lib/zhtj/files
USER zhtj
WORKDIR /var/lib/zhtj
VOLUME /var/lib/zhtj
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# SIGTERM (docker stop) lets requests in flight finish: give it more than --graceful-timeout (docker stop -t 40).
STOPSIGNAL SIGTERM
CMD ["zhtj", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2", "--graceful-timeout", "30"]
