"""Fast checks generated from the JSON Schemas (tools/generate_validators.py)."""


class JsonSchemaValueException(ValueError):
    """A value that breaks its schema: what the generated checks raise (fastjsonschema's, without its import)."""

    def __init__(self, message, value=None, name=None, definition=None, rule=None):
        super().__init__(message)
        self.value, self.name, self.definition, self.rule = value, name, definition, rule


class JsonSchemaValuesException(JsonSchemaValueException):
    """Several values that break their schema (named by the checks' except clauses)."""
