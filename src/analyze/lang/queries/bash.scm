; tree-sitter-bash ships no tags query.
(function_definition name: (word) @name) @definition.function
(program
  (declaration_command (variable_assignment name: (variable_name) @name)) @definition.constant)
