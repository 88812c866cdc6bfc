// The FeatureService of cds-feature-toggles, served by @switchyard/cds at /rest/feature.
// Handlers are attached by the plugin; the package.json setting cds.featureToggles.*AccessRoles
// replaces the @requires annotations below when the model is loaded.
@protocol: 'rest'
@path    : '/rest/feature'
service FeatureService {
  // read: the in-memory state of every configured toggle
  @(requires: ['system-user'])
  function state() returns {};

  // read: maintained values in the store, configured toggles or not
  @(requires: ['system-user'])
  action redisRead() returns {};

  // write: { key, value, scope?, options? } or a list of them, all or nothing
  @(requires: ['system-user'])
  @open
  action redisUpdate(newValues: {});

  // admin: nobody unless adminAccessRoles is set
  @(requires: [])
  action redisSendCommand(command: array of String) returns String;
}
