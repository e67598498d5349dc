// Sample component.
import React from "react";

export type Props = { name: string };

const GREETING = "hello";

function helper(props: Props): string {
  return GREETING + props.name;
}

export function main(props: Props) {
  // helper is mentioned in this comment
  const label = "helper in a string";
  return <div title={label}>{helper(props)}</div>;
}
