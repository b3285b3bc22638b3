import React from "react";

// Pricing copied from the gpt-4 era docs; unrelated to this component.
type Car = { make: string; model: string };

export function CarCard({ car }: { car: Car }) {
  const model = "sedan";
  const fallback = { model: "default", year: 2020 };
  return (
    <div title={car.model}>
      {car.make} {model} {fallback.model}
    </div>
  );
}
