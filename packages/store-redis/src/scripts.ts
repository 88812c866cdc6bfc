import { Script } from './connection';
import { DELETE_FEATURE, MIGRATE, PURGE_FEATURES, SET_FEATURE, SET_VALUES, TRIM_AUDIT, UPDATE_FEATURE, WRITE_FLAG, WRITE_FLAGS } from './lua';

/** The Lua scripts of every write (see lua.ts), loaded once per connection by SHA. */
export const scripts = {
  writeFlag: new Script(WRITE_FLAG),
  writeFlags: new Script(WRITE_FLAGS),
  setValues: new Script(SET_VALUES),
  setFeature: new Script(SET_FEATURE),
  updateFeature: new Script(UPDATE_FEATURE),
  deleteFeature: new Script(DELETE_FEATURE),
  purgeFeatures: new Script(PURGE_FEATURES),
  migrate: new Script(MIGRATE),
  trimAudit: new Script(TRIM_AUDIT),
};
