import "../src/widget/index.ts";
