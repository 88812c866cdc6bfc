// CAP loads the cds-plugin of every dependency that has one (https://cap.cloud.sap/docs/node.js/cds-plugins);
// CommonJS, as CAP requires it, inside this ES module package.
'use strict';
const cds = require('@sap/cds');
module.exports = require('@switchyard/cds/plugin').cdsPlugin(cds);
