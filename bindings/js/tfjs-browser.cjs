// CommonJS twin of tfjs-browser.js for `require` in bundlers.
module.exports = require('./tfjs-browser.js');
