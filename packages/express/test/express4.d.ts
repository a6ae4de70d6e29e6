// `express4` is Express 4 installed under an alias (see package.json); the tests type it with the
// Express 5 types, which describe the API both majors share.
declare module 'express4' {
  import express = require('express');
  export = express;
}
