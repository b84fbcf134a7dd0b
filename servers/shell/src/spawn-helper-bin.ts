import { runSpawnHelper } from './process/spawn-helper.js';

// Entry of the spawn helper process that the server starts (see process/spawn-helper.ts). Its
// stdin carries requests from the server and its stdout carries frames back; it ends when stdin does.
runSpawnHelper(process.stdin, process.stdout);
