"""The local runtime: PostgreSQL, Valkey, Kafka, Envoy and the services as children of one supervisor.

Entry points: `mesh.stack.Stack` (everything), `mesh.process.Supervisor` (any child process),
`mesh.servers.*` (one server each). Nothing is imported here, so `import mesh` stays cheap.
"""
