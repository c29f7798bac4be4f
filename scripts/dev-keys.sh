# Development keys for the local worker (never use them in production).
# shellcheck shell=bash
DEV_ORIGIN_SECRET="whsec_bWVkaWFob29rLWRldmVsb3BtZW50LXNlY3JldA=="
DEV_IMS_KEY="DevImsKey001"
DEV_VOD_KEY="DevVodKey001"
DEV_LIVE_KEY="DevLiveKey001"
DEV_TENCENT_KEY="DevTencentKey001"
DEV_MUX_SECRET="dev-mux-signing-secret-001"
DEV_CLOUDFLARE_SECRET="devcloudflarestreamsecret0000001"
DEV_VOLCENGINE_KEY="DevVolcKey001"
DEV_ADMIN_TOKEN="dev-admin-token-not-for-production"
