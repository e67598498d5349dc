; Macros: object-like ones are constants, function-like ones macros.
(preproc_def name: (identifier) @name) @definition.constant
(preproc_function_def name: (identifier) @name) @definition.macro
