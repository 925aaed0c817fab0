#!/usr/bin/env bash
# Creates or updates Pulang's Entra ID app registration from infra/entra-app.json (app roles = Pulang's roles,
# v2 access tokens) and prints the values the Bicep deployment and the self-host need.
# Needs the Azure CLI, signed in with rights to manage app registrations (Application Developer or owner of the app).
# Usage: bash scripts/entra-app.sh [display-name]        (default: pulang-api)
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:-pulang-api}"
app_id=$(az ad app list --display-name "$name" --query "[0].appId" -o tsv)
if [ -z "$app_id" ]; then
  app_id=$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg --query appId -o tsv)
  echo "created app registration $name ($app_id)"
fi
object_id=$(az ad app show --id "$app_id" --query id -o tsv)
az ad app update --id "$app_id" --identifier-uris "api://$app_id"
# The roles and token version, as one Microsoft Graph PATCH of the application (the $comment key is dropped).
body=$(mktemp)
python3 -c 'import json,sys; d=json.load(open("infra/entra-app.json")); d.pop("$comment",None); json.dump(d,sys.stdout)' > "$body"
az rest --method PATCH --url "https://graph.microsoft.com/v1.0/applications/$object_id" --headers "Content-Type=application/json" --body "@$body"
rm -f "$body"
az ad sp show --id "$app_id" >/dev/null 2>&1 || az ad sp create --id "$app_id" >/dev/null
tenant=$(az account show --query tenantId -o tsv)
echo "authClientId=$app_id"
echo "Pulang__Auth__Authority=https://login.microsoftonline.com/$tenant/v2.0"
echo "Pulang__Auth__Audience=api://$app_id   (Pulang__Auth__ExtraAudiences__0=$app_id)"
echo "Assign people and groups to roles under Enterprise applications > $name > Users and groups;"
echo "other systems get the 'intake' role as an application permission (the only role open to applications)."
