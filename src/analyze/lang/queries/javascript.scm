; Top-level constants (functions assigned to constants are already functions in tags.scm).
(program
  (lexical_declaration
    (variable_declarator
      name: (identifier) @name
      value: [(number) (string) (template_string) (array) (object) (identifier)
              (member_expression) (call_expression) (new_expression)
              (binary_expression) (true) (false) (null)]) @definition.constant))
(export_statement
  declaration: (lexical_declaration
    (variable_declarator
      name: (identifier) @name
      value: [(number) (string) (template_string) (array) (object) (identifier)
              (member_expression) (call_expression) (new_expression)
              (binary_expression) (true) (false) (null)]) @definition.constant))
; `#private` methods (tags.scm only captures public names).
(method_definition name: (private_property_identifier) @name) @definition.method
