// CommonJS twin of inline.js for `require` (Node >= 20.19 loads the ES module synchronously).
module.exports = require('./inline.js');
