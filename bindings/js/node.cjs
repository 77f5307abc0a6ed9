// CommonJS twin of node.js for `require` (Node >= 20.19 loads the ES module synchronously).
module.exports = require('./node.js');
