/** The snake_case field (Vault's, terraform-provider-vault's) of a camelCase input name (@pulumi/vault's). */
export const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
