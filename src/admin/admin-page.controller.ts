import { Controller, Get, Header, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Public } from '../common/auth/public.decorator';
import { findPublicDirectory } from '../page/sign-up-wall-page';

/** Chart.js's self-contained build (it registers every chart type), from the installed package. */
export const CHART_SCRIPT_PATH = '/vendor/chart.umd.min.js';

function chartScript(): Buffer {
  // The package's "exports" name no file of dist/; its CommonJS entry sits beside the UMD build.
  return readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'));
}

/**
 * The operator dashboard, `GET /admin`: a static page (public/admin.html, scripts compiled from
 * web/admin/) that logs in like the sign-up page and reads `/v1/admin/*` with the operator's token,
 * so the page itself is public and holds no data. Chart.js is served from the installed package
 * (no CDN: the CSP allows scripts from this origin only).
 */
@ApiExcludeController()
@Public()
@Controller({ version: VERSION_NEUTRAL })
export class AdminPageController {
  private readonly page = readFileSync(join(findPublicDirectory(), 'admin.html'));
  private readonly chart = chartScript();

  @Get('admin')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-cache')
  dashboard(): Buffer {
    return this.page;
  }

  @Get(CHART_SCRIPT_PATH)
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('cache-control', 'public, max-age=86400')
  chartLibrary(): Buffer {
    return this.chart;
  }
}
