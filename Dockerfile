# knotbot for a community deployment: slim, non-root, migrations at start, a health check that
# runs `knotbot status`. Build: docker build -t knotbot .   (compose.yaml adds PostgreSQL)
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY content ./content
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[all]"

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 knotbot \
    && mkdir -p /data && chown knotbot /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels "knotbot[all]" && rm -rf /wheels
USER knotbot
WORKDIR /home/knotbot
ENV KNOTBOT_DATA_DIR=/data \
    KNOTBOT_PLATFORM=telegram \
    PYTHONUNBUFFERED=1
VOLUME ["/data"]
HEALTHCHECK --interval=60s --timeout=20s --start-period=60s --retries=3 \
    CMD ["knotbot", "status"]
# `knotbot run` migrates the database before it connects to the platform.
CMD ["sh", "-c", "exec knotbot run \"$KNOTBOT_PLATFORM\""]
