// Which file `micgate` resolves to on this runtime (its export conditions).
console.log(JSON.stringify({ resolved: import.meta.resolve('micgate') }));
