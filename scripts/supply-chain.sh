#!/usr/bin/env bash
# Supply-chain audit, run by scripts/test.sh (and so .ci/run). Exit 1 only for a known vulnerability; when an audit
# service cannot answer (network, a feed or registry without audit data) it says UNAVAILABLE and exits 0, so a
# failure of the service never looks like a vulnerability (nor like a clean result).
# - NuGet: every restore audits every package, direct and transitive (Directory.Build.props: NuGetAuditMode all,
#   NU1901-NU1904 are build errors). This checks that the feed serves vulnerability data for that audit to use.
# - npm: `npm audit` of the repository's package-lock.json (Azurite and its dependencies), any severity but info.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0

index=$(curl -fsS -m 30 https://api.nuget.org/v3/index.json 2>/dev/null || true)
if [ -z "$index" ]; then
  echo "nuget audit: UNAVAILABLE (api.nuget.org could not be reached; the build's audit had no data: not a vulnerability)"
elif grep -q '"VulnerabilityInfo' <<<"$index"; then
  echo "nuget audit: active (nuget.org vulnerability data; a vulnerable package, direct or transitive, fails the build)"
else
  echo "nuget audit: UNAVAILABLE (the feed serves no vulnerability data, so the build's audit checked nothing: not a vulnerability)"
fi

npm_json=$(npm audit --json 2>/dev/null)
AUDIT="$npm_json" node -e '
  let a;
  try { a = JSON.parse(process.env.AUDIT || ""); } catch { a = null; }
  const v = a && a.metadata && a.metadata.vulnerabilities;
  if (!v) {
    const why = a && (a.message || (a.error && (a.error.summary || a.error.code))) || "no answer";
    console.log(`npm audit: UNAVAILABLE (${String(why).split("\n")[0].slice(0, 160)}: not a vulnerability)`);
    process.exit(0);
  }
  const found = Object.entries(a.vulnerabilities || {}).filter(([, x]) => x.severity !== "info");
  if (found.length === 0) { console.log(`npm audit: no known vulnerabilities (${a.metadata.dependencies?.total ?? "?"} packages)`); process.exit(0); }
  console.log(`npm audit: ${found.length} vulnerable package(s): ` + found.map(([n, x]) => `${n} (${x.severity})`).join(", "));
  process.exit(1);
' || status=1
exit "$status"
