#!/usr/bin/env node
// `meshwork serve <args>` for helpers that put their own flags first (the testkit's
// startHttpServer runs `node <bin> --http --port 0 <args>`): the built bin with `serve` in front.
process.argv.splice(2, 0, 'serve');
await import('../../dist/cli.js');
