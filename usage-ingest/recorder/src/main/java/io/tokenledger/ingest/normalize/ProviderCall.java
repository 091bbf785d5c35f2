package io.tokenledger.ingest.normalize;

/** What one provider response says about itself: who served it, which model, how many tokens. */
public record ProviderCall(String provider, String model, TokenBuckets tokens) {}
