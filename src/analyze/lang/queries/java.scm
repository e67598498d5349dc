; Declarations the grammar's tags.scm leaves out.
(enum_declaration name: (identifier) @name) @definition.enum
(record_declaration name: (identifier) @name) @definition.struct
(annotation_type_declaration name: (identifier) @name) @definition.interface
(constructor_declaration name: (identifier) @name) @definition.method
((field_declaration
  (modifiers) @modifiers
  declarator: (variable_declarator name: (identifier) @name)) @definition.constant
  (#match? @modifiers "static")
  (#match? @modifiers "final"))
