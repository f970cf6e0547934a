import app from 'cdk8s/lib/app.js';
import apiObject from 'cdk8s/lib/api-object.js';
import chart from 'cdk8s/lib/chart.js';
import type * as k8sTypes from 'cdk8s-plus-33/lib/imports/k8s.js';
import constructs from 'constructs';
import k8sClasses from '../generated/k8s-classes.cjs';

// cdk8s through the three modules tychoc uses rather than its index, which loads Helm, cron,
// include and a second parse of every module a bundle would already hold.
export const { App } = app;
export type App = app.App;
export const { Chart } = chart;
export type Chart = chart.Chart;
export const { ApiObject } = apiObject;
export type ApiObject = apiObject.ApiObject;

export const { Construct } = constructs;
export type Construct = constructs.Construct;

/**
 * The L1 classes tychoc uses, copied at build time out of cdk8s-plus-33's generated module
 * (scripts/build-k8s-classes.mjs): about 130 kB instead of 3.4 MB, and the L2 library is not loaded.
 */
export const k8s = k8sClasses;
/** Their types: `K8s.PodSpec`, `K8s.Quantity`. */
export type { k8sTypes as K8s };
