#!/usr/bin/env bash
# The main job: the edge worker in workerd (wrangler dev) on 127.0.0.1:8787 with development
# keys, and a demo origin on 127.0.0.1:8788 that verifies and prints every event it receives.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$ROOT/scripts/dev-keys.sh"
PORT="${PORT:-8787}"
ORIGIN_PORT="${DEMO_ORIGIN_PORT:-8788}"
bash "$ROOT/scripts/build.sh"
load_env
cd "$ROOT"

# Local secrets for wrangler dev (.dev.vars is git-ignored).
cat > .dev.vars <<VARS
ORIGIN_SECRET=$DEV_ORIGIN_SECRET
ALIBABA_IMS_AUTH_KEYS=$DEV_IMS_KEY
ALIBABA_VOD_AUTH_KEYS=$DEV_VOD_KEY
ALIBABA_LIVE_AUTH_KEYS=$DEV_LIVE_KEY
TENCENT_VOD_SIGN_KEYS=$DEV_TENCENT_KEY
MUX_WEBHOOK_SECRETS=$DEV_MUX_SECRET
CLOUDFLARE_STREAM_WEBHOOK_SECRETS=$DEV_CLOUDFLARE_SECRET
VOLCENGINE_VOD_KEYS=$DEV_VOLCENGINE_KEY
ADMIN_TOKEN=$DEV_ADMIN_TOKEN
VARS

# MEDIAHOOK_DEV_SOURCES=1 npm run dev: pull sources (a Tencent VOD application and an IMS MNS
# queue) against the provider API stand-ins on 127.0.0.1, which check every signature.
APIS_PORT="${DEV_APIS_PORT:-8789}"
if [ "${MEDIAHOOK_DEV_SOURCES:-}" = 1 ]; then
  cat >> .dev.vars <<VARS
TENCENT_VOD_PULL_SUB_APP_IDS=1
TENCENT_VOD_API_URL=http://127.0.0.1:$APIS_PORT
TENCENT_CLOUD_SECRET_ID=AKIDtest
TENCENT_CLOUD_SECRET_KEY=TencentTestSecretKey
ALIBABA_MNS_ENDPOINT=http://127.0.0.1:$APIS_PORT
ALIBABA_MNS_QUEUES=alibaba-ims:ims-events
ALIBABA_CLOUD_ACCESS_KEY_ID=LTAItest
ALIBABA_CLOUD_ACCESS_KEY_SECRET=AlibabaTestSecret
VARS
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

ORIGIN_SECRET="$DEV_ORIGIN_SECRET" DEMO_ORIGIN_PORT="$ORIGIN_PORT" node scripts/demo-origin.mjs &
pids+=($!)
if [ "${MEDIAHOOK_DEV_SOURCES:-}" = 1 ]; then
  node tests/support/provider-apis-cli.mjs --serve "$APIS_PORT" </dev/null &
  pids+=($!)
fi
wrangler dev --ip 127.0.0.1 --port "$PORT" --show-interactive-dev-session=false \
  --var "ORIGIN_URL:http://127.0.0.1:$ORIGIN_PORT/events" &
pids+=($!)

for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || die "the worker did not come up on 127.0.0.1:$PORT"

cat >&2 <<MSG

==> mediahook worker ready on http://127.0.0.1:$PORT
    POST /alibaba/ims   POST /alibaba/vod   GET|POST /alibaba/live   POST /tencent/vod
    POST /mux   POST /cloudflare/stream   POST /volcengine/vod   GET /healthz
    Delivery: queue mode (answered 200 "queued" at once, then delivered with retries).
    Events go to the demo origin at http://127.0.0.1:$ORIGIN_PORT/events (printed below; each
    retry too: restart with DEMO_FAIL_FIRST=2 npm run dev to see two retries per event).
    Development keys: IMS $DEV_IMS_KEY, VOD $DEV_VOD_KEY, Live $DEV_LIVE_KEY, Tencent $DEV_TENCENT_KEY,
    Mux $DEV_MUX_SECRET, Cloudflare Stream $DEV_CLOUDFLARE_SECRET, Volcengine $DEV_VOLCENGINE_KEY
    Console: http://127.0.0.1:$PORT/admin/ (token $DEV_ADMIN_TOKEN); or the CLI:
    MEDIAHOOK_ADMIN_TOKEN=$DEV_ADMIN_TOKEN node pkg/cli.mjs admin stats --worker http://127.0.0.1:$PORT

==> Send a signed callback with the mediahook CLI (from the npm package in pkg/; any event
    type: node pkg/cli.mjs events; several at once: --count 20):

    node pkg/cli.mjs send --provider alibaba-ims --key $DEV_IMS_KEY --event ProduceMediaComplete --to http://127.0.0.1:$PORT/alibaba/ims
    node pkg/cli.mjs send --provider tencent-vod --key $DEV_TENCENT_KEY --event NewFileUpload --to http://127.0.0.1:$PORT/tencent/vod
    node pkg/cli.mjs send --provider mux --key $DEV_MUX_SECRET --event video.asset.ready --to http://127.0.0.1:$PORT/mux

    or print the request (--curl for a curl command) and explain a captured one:
    node pkg/cli.mjs sign --provider alibaba-ims --key $DEV_IMS_KEY --event ProduceMediaComplete | node pkg/cli.mjs verify --provider alibaba-ims --key $DEV_IMS_KEY

MSG
if [ "${MEDIAHOOK_DEV_SOURCES:-}" = 1 ]; then
  cat >&2 <<MSG
==> Pull sources: Tencent VOD application 1 and MNS queue ims-events, from the provider API
    stand-ins on http://127.0.0.1:$APIS_PORT (one event each is waiting). Hand them more:
    curl -X POST --data '{"EventType":"NewFileUpload","FileUploadEvent":{"FileId":"42"}}' http://127.0.0.1:$APIS_PORT/_stand-in/tencent/1
    curl -X POST --data @tests/fixtures/alibaba-ims/ProduceMediaComplete.json http://127.0.0.1:$APIS_PORT/_stand-in/mns/ims-events

MSG
fi
echo "==> Ctrl-C stops the worker and the origin." >&2
wait -n "${pids[@]}"
