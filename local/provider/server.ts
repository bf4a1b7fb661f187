/**
 * `pulumi-resource-vault`, the stand-in: serves VaultStandIn (./standIn.ts) to the Pulumi engine over
 * the ResourceProvider gRPC protocol (Pulumi's generated stubs, @grpc/grpc-js). The SDK's own
 * `provider.main` drops the Configure arguments (the provider's address, token and CA), which a Vault
 * provider cannot do without, hence this small server.
 *
 * The engine starts it with its address as the argument and reads the port from the first line of
 * standard output. VAULT_STANDIN_CALL_LOG, when set, names a file that receives one JSON line per Vault
 * call (resource, phase, method, path, status: never a body or a token).
 */
import * as grpc from "@grpc/grpc-js";
import * as fs from "fs";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import * as structproto from "google-protobuf/google/protobuf/struct_pb";
import * as plugproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { CheckFailure, MadeCall, STAND_IN_VERSION, VaultStandIn } from "./standIn";

type Callback<T> = (error: grpc.ServiceError | null, value?: T) => void;
type Call<Request> = { request: Request };

const toStruct = (value: Record<string, unknown>) => structproto.Struct.fromJavaScript(JSON.parse(JSON.stringify(value)));
const fromStruct = (struct: structproto.Struct | undefined) => (struct?.toJavaScript() ?? {}) as Record<string, any>;

/** A gRPC handler from an async function: its error's message goes back to the engine as the call's error. */
function handler<Request, Response>(work: (request: Request) => Promise<Response> | Response) {
  return (call: Call<Request>, callback: Callback<Response>) => {
    Promise.resolve().then(() => work(call.request)).then(
      (response) => callback(null, response),
      (error: Error) => callback({ name: "Error", message: error.message, code: grpc.status.UNKNOWN, details: error.message, metadata: new grpc.Metadata() }),
    );
  };
}

function checkResponse({ inputs, failures }: { inputs: Record<string, unknown>; failures: CheckFailure[] }): provproto.CheckResponse {
  const response = new provproto.CheckResponse();
  response.setInputs(toStruct(inputs));
  response.setFailuresList(failures.map(({ property, reason }) => {
    const failure = new provproto.CheckFailure();
    failure.setProperty(property);
    failure.setReason(reason);
    return failure;
  }));
  return response;
}

function diffResponse({ changes, replaces = [], diffs }: { changes: boolean; replaces?: string[]; diffs: string[] }): provproto.DiffResponse {
  const response = new provproto.DiffResponse();
  response.setChanges(changes ? provproto.DiffResponse.DiffChanges.DIFF_SOME : provproto.DiffResponse.DiffChanges.DIFF_NONE);
  response.setReplacesList(replaces);
  response.setDiffsList(diffs);
  response.setDeletebeforereplace(false);
  return response;
}

export function providerService(standIn: VaultStandIn): grpc.UntypedServiceImplementation {
  return {
    getPluginInfo: handler(() => new plugproto.PluginInfo().setVersion(STAND_IN_VERSION)),
    getSchema: handler(() => new provproto.GetSchemaResponse().setSchema("{}")),
    checkConfig: handler((request: provproto.CheckRequest) => checkResponse(standIn.checkConfig(fromStruct(request.getNews())))),
    diffConfig: handler((request: provproto.DiffRequest) => diffResponse(standIn.diffConfig(fromStruct(request.getOldInputs() ?? request.getOlds()), fromStruct(request.getNews())))),
    configure: handler(async (request: provproto.ConfigureRequest) => {
      await standIn.configure(fromStruct(request.getArgs()));
      // Secrets come marked and go back marked; no previews of creates (their values are Vault's to compute).
      return new provproto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(false).setAcceptresources(false).setAcceptoutputs(false);
    }),
    check: handler((request: provproto.CheckRequest) => checkResponse(standIn.check(request.getUrn(), fromStruct(request.getNews())))),
    diff: handler((request: provproto.DiffRequest) => diffResponse(standIn.diff(request.getUrn(), fromStruct(request.getOldInputs() ?? request.getOlds()), fromStruct(request.getNews())))),
    create: handler(async (request: provproto.CreateRequest) => {
      const { id, outs } = await standIn.create(request.getUrn(), fromStruct(request.getProperties()));
      return new provproto.CreateResponse().setId(id).setProperties(toStruct(outs));
    }),
    read: handler(async (request: provproto.ReadRequest) => {
      const result = await standIn.read(request.getUrn(), request.getId(), fromStruct(request.getProperties()), request.getInputs() ? fromStruct(request.getInputs()) : undefined);
      return new provproto.ReadResponse().setId(result.id).setProperties(toStruct(result.props)).setInputs(toStruct(result.inputs));
    }),
    update: handler(async (request: provproto.UpdateRequest) => {
      const { outs } = await standIn.update(request.getUrn(), fromStruct(request.getOlds()), fromStruct(request.getOldInputs() ?? request.getOlds()), fromStruct(request.getNews()));
      return new provproto.UpdateResponse().setProperties(toStruct(outs));
    }),
    delete: handler(async (request: provproto.DeleteRequest) => {
      await standIn.delete(request.getUrn(), fromStruct(request.getProperties()), request.getOldInputs() ? fromStruct(request.getOldInputs()) : undefined);
      return new emptyproto.Empty();
    }),
    cancel: handler(() => new emptyproto.Empty()),
  };
}

function callLog(file: string | undefined): (call: MadeCall) => void {
  return file ? (call) => fs.appendFileSync(file, `${JSON.stringify(call)}\n`, { mode: 0o600 }) : () => undefined;
}

if (require.main === module) {
  const server = new grpc.Server();
  server.addService(provrpc.ResourceProviderService, providerService(new VaultStandIn(callLog(process.env.VAULT_STANDIN_CALL_LOG))));
  server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
    if (error) {
      console.error(`pulumi-resource-vault (stand-in): ${error.message}`);
      process.exit(1);
    }
    console.log(String(port));
  });
}
