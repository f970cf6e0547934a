// The generated Kubernetes 1.33 L1 classes, imported directly so the L2 library is not loaded.
export * as k8s from 'cdk8s-plus-33/lib/imports/k8s.js';
