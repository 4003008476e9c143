#!/usr/bin/env bash
# The feed never lapses (issue 14 item 2): the systemd units the
# ocop-host .deb ships (host/ocop-host-serve.service,
# ocop-host-publish.service, ocop-host-publish.timer) pass
# `systemd-analyze verify` with no warning, and the publish service's own
# ExecStart line, run against a demo world, publishes a new version when
# the registry changed, nothing when it did not, and records every
# attempt (a failed one too) in publish-status; ocop-host serve's log
# raises an ALARM for a feed expiring within 48 hours and for a failed
# scheduled publish.
set -euo pipefail
. "$(dirname "$0")/upload_common.sh"
SRC=${OCOP_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
U=$T/units
mkdir -p "$U"

# ---- systemd-analyze verify ---------------------------------------------
if command -v systemd-analyze >/dev/null; then
    # Pointed at the built binary: nothing is installed in /usr/bin here.
    for f in ocop-host-serve.service ocop-host-publish.service \
        ocop-host-publish.timer; do
        sed "s|^ExecStart=/usr/bin/ocop-host |ExecStart=$HOST |" \
            "$SRC/host/$f" > "$U/$f"
    done
    for f in ocop-host-serve.service ocop-host-publish.timer \
        ocop-host-publish.service; do
        (cd "$U" && systemd-analyze verify "$U/$f") > "$T/verify" 2>&1 ||
            { cat "$T/verify" >&2; fail "systemd-analyze verify $f failed"; }
        [ ! -s "$T/verify" ] ||
            { cat "$T/verify" >&2; fail "systemd warns about $f"; }
    done
    ok "the three units pass systemd-analyze verify without a warning"
else
    echo "skip: systemd-analyze is not installed; the units were not verified"
fi

# ---- the publish service's command ----------------------------------------
W=$T/world
"$HOST" demo "$W" --date "$(date -u +%F)" >/dev/null || fail "demo"
cmd=$(sed -n 's/^ExecStart=//p' "$SRC/host/ocop-host-publish.service")
[ -n "$cmd" ] || fail "no ExecStart in ocop-host-publish.service"
cmd=${cmd//\/usr\/bin\/ocop-host/$HOST}
cmd=${cmd//\/var\/lib\/ocop-host/$W}
version() { sed -n 's/^version=//p' "$W/feed/manifest"; }
v0=$(version)
read -r -a argv <<< "$cmd"
"${argv[@]}" > "$T/out" || fail "the publish service's command failed"
v1=$(version)
[ "$v1" -gt "$v0" ] || fail "no new version ($v0 -> $v1)"
grep -qx "ok=1" "$W/publish-status" && grep -qx "version=$v1" "$W/publish-status" ||
    fail "publish-status does not record version $v1"
ok "the publish service's ExecStart publishes version $v1 (was $v0)"
"${argv[@]}" > "$T/out" || fail "the second run failed"
grep -q "nothing to publish" "$T/out" && [ "$(version)" = "$v1" ] ||
    fail "an unchanged registry was published again"
ok "run again with nothing changed: nothing published"
"$HOST" product edit --db "$W/registry.db" --code AG-0001 --name "Đổi tên" \
    >/dev/null || fail "product edit"
"${argv[@]}" > "$T/out" || fail "the run after a change failed"
v2=$(version)
[ "$v2" -gt "$v1" ] || fail "a changed registry was not published"
ok "the registry changed: version $v2"

# A failing scheduled publish is recorded, and serve's log says so.
mv "$W/authority.sec" "$W/authority.sec.away"
"$HOST" product edit --db "$W/registry.db" --code AG-0001 --name "Lần hai" \
    >/dev/null || fail "product edit"
if "${argv[@]}" > "$T/out" 2> "$T/err"; then fail "publish without a key succeeded"; fi
grep -qx "ok=0" "$W/publish-status" && grep -q "^error=." "$W/publish-status" ||
    fail "the failure is not in publish-status"
grep -qx "version=$v2" "$W/publish-status" || fail "the last good version was lost"
ok "a failed scheduled publish is recorded (the last good version kept)"
start_serve serve --world "$W"
for _ in $(seq 50); do grep -q "ALARM" "$T/serve.err" && break; sleep 0.1; done
grep -q "ALARM: the scheduled publish at .* failed" "$T/serve.err" ||
    { cat "$T/serve.err" >&2; fail "serve's log has no alarm for the failed publish"; }
ok "serve's log: ALARM for the failed scheduled publish"
kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true
mv "$W/authority.sec.away" "$W/authority.sec"

# A feed expiring within 48 hours: published 6 days ago with 7 days' life.
"$HOST" publish --world "$W" --now $(( $(date +%s) - 6 * 86400 )) >/dev/null ||
    fail "the back-dated publish failed"
start_serve serve2 --world "$W"
for _ in $(seq 50); do grep -q "ALARM" "$T/serve2.err" && break; sleep 0.1; done
grep -q "ALARM: the feed (version [0-9]*) expires at .*within 48 hours" "$T/serve2.err" ||
    { cat "$T/serve2.err" >&2; fail "serve's log has no alarm for the expiring feed"; }
grep -q "scheduled publish" "$T/serve2.err" &&
    fail "the failure is still reported after a good publish"
ok "serve's log: ALARM for a feed expiring within 48 hours"
echo "all passed"
