"""The only place that talks to DynamoDB."""
