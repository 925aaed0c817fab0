// Pulang on Azure: a Flex Consumption Function App (Durable Functions, .NET 10 isolated) with a system-assigned
// managed identity, its storage account (no shared keys), Azure AI Document Intelligence, Key Vault and Application
// Insights on Log Analytics. Entra ID bearer tokens on /api are validated by the worker itself (so every refusal is Pulang's
// 401 problem details); people sign in to the web pages through App Service Authentication with Entra ID. See docs/deploy.md.
targetScope = 'resourceGroup'

@description('Environment name; part of every resource name.')
@allowed(['dev', 'test', 'prod'])
param environmentName string = 'dev'

@description('Azure region for every resource.')
param location string = 'indonesiacentral'

@description('Short prefix of every resource name (lower-case letters).')
@minLength(2)
@maxLength(8)
param namePrefix string = 'pulang'

@description('Entra ID: client (application) ID of the app registration that represents the Pulang API; its app roles are Pulang\'s roles.')
param authClientId string

@description('Entra ID: tenant that issues the tokens.')
param authTenantId string = tenant().tenantId

@description('Token audiences accepted besides the client ID (e.g. api://pulang-prod).')
param authAllowedAudiences array = []

@description('Storage redundancy.')
@allowed(['Standard_LRS', 'Standard_ZRS', 'Standard_GRS'])
param storageSku string = 'Standard_ZRS'

@description('Days deleted or overwritten blobs, versions and containers stay recoverable.')
@minValue(1)
@maxValue(365)
param softDeleteDays int = 30

@description('Put a time-based retention (WORM) policy on the releases and audit containers, so no audit entry or release record can be removed or changed (on by default in prod). Starts unlocked: lock it by hand once reviewed (a locked policy cannot be shortened or removed).')
param enableImmutability bool = environmentName == 'prod'

@description('Name of the Key Vault secret holding the Entra app\'s client secret, for browser sign-in (App Service Authentication).')
param authClientSecretName string = 'entra-client-secret'

@description('Retention of the immutability policy, in days since each blob was written.')
@minValue(1)
@maxValue(146000)
param immutabilityDays int = 3650

@description('Days a scan stays in the incoming container after it was written (it has been copied to scans by then).')
@minValue(1)
param incomingRetentionDays int = 30

@description('Most instances Flex Consumption scales the app to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per instance (MB).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Create the Event Grid subscription that feeds the IncomingScan blob trigger. Needs the app code deployed first (it reads the blobs_extension system key): deploy once with false, publish, then again with true.')
param deployIncomingScanSubscription bool = false

@description('Tags on every resource.')
param tags object = {}

var suffix = take(uniqueString(resourceGroup().id, environmentName, namePrefix), 8)
var baseName = '${namePrefix}-${environmentName}-${suffix}'
var storageName = take(toLower('st${namePrefix}${environmentName}${suffix}'), 24)
var allTags = union(tags, { application: 'pulang', environment: environmentName })
var deploymentContainer = 'app-package'
var dataContainers = ['scans', 'releases', 'incoming', 'audit', 'manifests']
var immutableContainers = ['releases', 'audit']
var queueNames = ['case-intake', 'case-intake-poison', 'case-events', 'scan-reading-pulang']
var tableNames = ['PulangCases', 'PulangIntake', 'PulangManifests', 'PulangSubscriptions', 'PulangDeliveries']
// The worker accepts the app ID URI, the client ID (ExtraAudiences__0) and these.
var extraAudienceSettings = [
  for (audience, i) in authAllowedAudiences: { name: 'Pulang__Auth__ExtraAudiences__${i + 1}', value: audience }
]

// Built-in role definition IDs.
var roles = {
  // Read/write/delete blobs, leases, create containers and get a user delegation key (for the download SAS): all the
  // host, Durable Task and Pulang do. Storage Blob Data Owner would add ACLs, blob index tags and version deletion.
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  cognitiveServicesUser: 'a97b65f3-24c7-4388-baec-2e87135dc908'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  // Publish events to one Event Grid topic (no management rights).
  eventGridDataSender: 'd5a91429-5739-47e2-a06b-3470a27159e7'
}

// ---- Monitoring -------------------------------------------------------------------------------------------------

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${baseName}'
  location: location
  tags: allTags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 90
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${baseName}'
  location: location
  tags: allTags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

// ---- Storage ----------------------------------------------------------------------------------------------------

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  tags: allTags
  kind: 'StorageV2'
  sku: { name: storageSku }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    isVersioningEnabled: true
    changeFeed: { enabled: true }
    deleteRetentionPolicy: { enabled: true, days: softDeleteDays }
    containerDeleteRetentionPolicy: { enabled: true, days: softDeleteDays }
  }
}

resource containers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [
  for name in concat(dataContainers, [deploymentContainer]): {
    parent: blobService
    name: name
    properties: { publicAccess: 'None' }
  }
]

resource immutability 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = [
  for name in immutableContainers: if (enableImmutability) {
    #disable-next-line use-parent-property
    name: '${storage.name}/default/${name}/default'
    properties: {
      immutabilityPeriodSinceCreationInDays: immutabilityDays
      // The audit trail is append blobs: entries may be appended, never changed.
      allowProtectedAppendWrites: true
    }
    dependsOn: [containers]
  }
]

resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'incoming-expiry'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: { blobTypes: ['blockBlob'], prefixMatch: ['incoming/'] }
            actions: {
              baseBlob: { delete: { daysAfterModificationGreaterThan: incomingRetentionDays } }
              version: { delete: { daysAfterCreationGreaterThan: incomingRetentionDays } }
            }
          }
        }
      ]
    }
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for name in queueNames: {
    parent: queueService
    name: name
  }
]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for name in tableNames: {
    parent: tableService
    name: name
  }
]

// ---- Document Intelligence and Key Vault -------------------------------------------------------------------------

resource documentIntelligence 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'di-${baseName}'
  location: location
  tags: allTags
  kind: 'FormRecognizer'
  sku: { name: 'S0' }
  properties: {
    customSubDomainName: 'di-${baseName}'
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('kv-${baseName}', 24)
  location: location
  tags: allTags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

// ---- Function App (Flex Consumption) ------------------------------------------------------------------------------

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${baseName}'
  location: location
  tags: allTags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-${baseName}'
  location: location
  tags: allTags
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: concat([
        // Identity-based host storage (Durable Task hub, triggers, deployment): no keys anywhere.
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'Authorization=AAD' }
        { name: 'Pulang__TaskHub', value: 'pulang' }
        { name: 'Pulang__Ocr__Engine', value: 'documentIntelligence' }
        { name: 'Pulang__Ocr__DocumentIntelligence__Endpoint', value: documentIntelligence.properties.endpoint }
        { name: 'Pulang__KeyVaultUri', value: vault.properties.vaultUri }
        // The worker validates every bearer token (JwtBearer, as the self-host) against the Entra app: the only gate.
        { name: 'Pulang__Auth__Authority', value: '${environment().authentication.loginEndpoint}${authTenantId}/v2.0' }
        { name: 'Pulang__Auth__Audience', value: 'api://${authClientId}' }
        { name: 'Pulang__Auth__ExtraAudiences__0', value: authClientId }
        // Browser sign-in (App Service Authentication, below): the Entra app's client secret, from the vault.
        { name: 'MICROSOFT_PROVIDER_AUTHENTICATION_SECRET', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${authClientSecretName})' }
        // The web app's inbox answers the site root (WebTriggers.Inbox); without this the host shows its own home page there.
        { name: 'AzureWebJobsDisableHomepage', value: 'true' }
        // Every case event also goes to the deployment's Event Grid topic (CloudEvents 1.0), with the app's identity.
        { name: 'Pulang__Events__EventGridEndpoint', value: caseEvents.properties.endpoint }
        { name: 'Pulang__Events__Source', value: 'https://${baseName}.azurewebsites.net' }
      ], extraAudienceSettings)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: { type: 'SystemAssignedIdentity' }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    }
  }
}

// App Service Authentication ("Easy Auth") signs people in to the web pages with Entra ID (OpenID Connect, the app roles
// of infra/entra-app.json in the ID token), keeps their session (AppServiceAuthSession cookie, shared by every instance)
// and hands the worker the person in X-MS-CLIENT-PRINCIPAL, a header requests from outside cannot set. The worker takes that
// header as the caller for pages only (outside /api; CallerAuthenticationMiddleware, when the platform sets
// WEBSITE_AUTH_ENABLED). Nobody is sent to a login page by the platform (AllowAnonymous): the pages send people to
// /signin, whose button goes to /.auth/login/aad. /api and the host's webhooks are excluded: the worker validates bearer
// tokens itself and answers 401 with problem details, and the Event Grid webhook (/runtime/webhooks/blobs) carries the
// blobs_extension system key, not a token. Register https://{host}/.auth/login/aad/callback as a Web redirect URI of the
// Entra app and put its client secret in the vault (docs/deploy.md).
resource auth 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
      excludedPaths: ['/api/*', '/runtime/*']
    }
    httpSettings: { requireHttps: true }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: authClientId
          clientSecretSettingName: 'MICROSOFT_PROVIDER_AUTHENTICATION_SECRET'
          openIdIssuer: '${environment().authentication.loginEndpoint}${authTenantId}/v2.0'
        }
        validation: {
          allowedAudiences: concat(['api://${authClientId}', authClientId], authAllowedAudiences)
        }
        login: { disableWWWAuthenticate: true }
      }
    }
    login: {
      tokenStore: { enabled: true }
      allowedExternalRedirectUrls: []
      cookieExpiration: { convention: 'FixedTime', timeToExpiration: '08:00:00' }
    }
  }
}

// ---- Role assignments for the app's identity ------------------------------------------------------------------------

var storageRoles = [roles.storageBlobDataContributor, roles.storageQueueDataContributor, roles.storageTableDataContributor]

resource storageAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in storageRoles: {
    scope: storage
    name: guid(storage.id, app.id, role)
    properties: {
      principalId: app.identity.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

resource ocrAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: documentIntelligence
  name: guid(documentIntelligence.id, app.id, roles.cognitiveServicesUser)
  properties: {
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.cognitiveServicesUser)
  }
}

resource vaultAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, app.id, roles.keyVaultSecretsUser)
  properties: {
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource telemetryAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: insights
  name: guid(insights.id, app.id, roles.monitoringMetricsPublisher)
  properties: {
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

// ---- Outgoing case events: an Event Grid topic (CloudEvents 1.0 input schema) that Pulang publishes to --------------
// Subscribers in Azure (Functions, Logic Apps, Service Bus, webhooks of their own) subscribe to this topic; see
// docs/events.md. Keys are off: only Entra ID identities with EventGrid Data Sender publish.

resource caseEvents 'Microsoft.EventGrid/topics@2025-02-15' = {
  name: 'evgt-events-${baseName}'
  location: location
  tags: allTags
  properties: {
    inputSchema: 'CloudEventSchemaV1_0'
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
    minimumTlsVersionAllowed: '1.2'
  }
}

resource eventsAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: caseEvents
  name: guid(caseEvents.id, app.id, roles.eventGridDataSender)
  properties: {
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.eventGridDataSender)
  }
}

// ---- Incoming scans: Event Grid feeds the IncomingScan blob trigger (the trigger Flex Consumption supports) ---------

resource storageEvents 'Microsoft.EventGrid/systemTopics@2024-06-01-preview' = {
  name: 'evgt-${baseName}'
  location: location
  tags: allTags
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource incomingScans 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2024-06-01-preview' = if (deployIncomingScanSubscription) {
  parent: storageEvents
  name: 'incoming-scans'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${app.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.IncomingScan&code=${listKeys('${app.id}/host/default', '2024-04-01').systemKeys.blobs_extension}'
      }
    }
    filter: {
      includedEventTypes: ['Microsoft.Storage.BlobCreated']
      subjectBeginsWith: '/blobServices/default/containers/incoming/'
    }
    eventDeliverySchema: 'EventGridSchema'
  }
}

// Manifests dropped in the manifests container: the IncomingManifest blob trigger, fed the same way (deployed with the scans' subscription).
resource incomingManifests 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2024-06-01-preview' = if (deployIncomingScanSubscription) {
  parent: storageEvents
  name: 'incoming-manifests'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: 'https://${app.properties.defaultHostName}/runtime/webhooks/blobs?functionName=Host.Functions.IncomingManifest&code=${listKeys('${app.id}/host/default', '2024-04-01').systemKeys.blobs_extension}'
      }
    }
    filter: {
      includedEventTypes: ['Microsoft.Storage.BlobCreated']
      subjectBeginsWith: '/blobServices/default/containers/manifests/'
    }
    eventDeliverySchema: 'EventGridSchema'
  }
  dependsOn: [incomingScans]
}

@description('Function App name (for func azure functionapp publish / az functionapp deployment).')
output functionAppName string = app.name

@description('Where the API is: https://{host}/api/cases.')
output functionAppHostName string = app.properties.defaultHostName

@description('Storage account (scans, releases, incoming, audit; queues; tables).')
output storageAccountName string = storage.name

@description('Document Intelligence endpoint.')
output documentIntelligenceEndpoint string = documentIntelligence.properties.endpoint

@description('Key Vault URI.')
output keyVaultUri string = vault.properties.vaultUri

@description('Principal ID of the app\'s system-assigned identity.')
output functionAppPrincipalId string = app.identity.principalId
