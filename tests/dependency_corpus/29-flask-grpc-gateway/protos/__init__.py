"""Generated gRPC code for pricing.proto (regenerate with grpc_tools.protoc)."""
