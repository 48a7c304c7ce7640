package dev.syrup.crds.v1alpha1;

public enum TransportProtocol { UDP, TCP }
