import { createRequire } from 'node:module';
import type * as cdk8s from 'cdk8s';
import type * as k8sTypes from 'cdk8s-plus-33/lib/imports/k8s.js';
import type * as constructs from 'constructs';
import type * as k8sClasses from '../generated/k8s-classes.cjs';

// cdk8s, constructs and the generated Kubernetes 1.33 L1 classes are CommonJS. Through require()
// they compile at once; through import, Node first scans each for ES module syntax and named
// exports, which cost about 100 ms of every compile's start-up on Node 20 with the whole L1 module.
const require = createRequire(import.meta.url);

export const { App, Chart, ApiObject } = require('cdk8s') as typeof cdk8s;
export type App = cdk8s.App;
export type Chart = cdk8s.Chart;
export type ApiObject = cdk8s.ApiObject;

export const { Construct } = require('constructs') as typeof constructs;
export type Construct = constructs.Construct;

/**
 * The L1 classes tychoc uses, copied at build time out of cdk8s-plus-33's generated module
 * (scripts/build-k8s-classes.mjs): about 130 kB instead of 3.4 MB, and the L2 library is not loaded.
 */
export const k8s = require('../generated/k8s-classes.cjs') as typeof k8sClasses;
/** Their types: `K8s.PodSpec`, `K8s.Quantity`. */
export type { k8sTypes as K8s };
