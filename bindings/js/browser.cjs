// CommonJS twin of browser.js for `require` (Node >= 20.19 loads the ES module synchronously).
module.exports = require('./browser.js');
