// Read the stack configuration (validated before any resource exists), build the platform, export its outputs.
import { loadConfig } from "./config";
import { createPlatform } from "./platform";

export = createPlatform(loadConfig());
