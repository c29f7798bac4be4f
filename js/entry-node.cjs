"use strict";
// Node, CommonJS: the nodejs wasm-bindgen build loads the .wasm synchronously.
module.exports = require("./api.cjs").createApi(require("./wasm-nodejs/mediahook.js"));
