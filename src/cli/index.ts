#!/usr/bin/env node
import './requireNode24.ts';
import { main } from './main.ts';
import { cleanUpOnSignals } from '../util/cleanup.ts';

cleanUpOnSignals((signal) => process.stderr.write(`nix-docker: stopped by ${signal}; partial output and temporary files removed\n`));
process.exitCode = await main(process.argv.slice(2));
