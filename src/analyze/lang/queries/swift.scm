; Our own: the grammar's tags.scm captures a whole class as one method definition.
(class_declaration name: (type_identifier) @name) @definition.class
(protocol_declaration name: (type_identifier) @name) @definition.interface
(function_declaration name: (simple_identifier) @name) @definition.function
(protocol_function_declaration name: (simple_identifier) @name) @definition.method
(init_declaration "init" @name) @definition.method
(typealias_declaration name: (type_identifier) @name) @definition.type
(source_file
  (property_declaration name: (pattern bound_identifier: (simple_identifier) @name))
    @definition.constant)
